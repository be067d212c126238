import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Setting } from './setting.entity';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Owns users and settings (the address-hashing salt). */
@Module({
  imports: [TypeOrmModule.forFeature([User, Setting])],
  providers: [UsersService, UsersRepository],
  exports: [UsersService],
})
export class UsersModule {}
