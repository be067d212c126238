// Session keys are secret keys (32 random bytes shown once to the client; the database keeps only their SHA-256).
export { isSecretKey as isSessionKey, newSecretKey as newSessionKey, secretKeyHash as sessionKeyHash } from '../common/secret-key';
