export {
  ENCRYPTED_PREFIX,
  isEncrypted,
  loadStateKey,
  parseStateKey,
  SecretBox,
  SecretBoxError,
} from "./box.js";
