export { type AuditEvent, type AuditLog, FileAuditLog, MemoryAuditLog } from "./log.js";
