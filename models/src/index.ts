export { CatalogError, defaultCatalogPath, findModel, loadCatalog, parseCatalog } from "./catalog.js";
export {
  type Catalog,
  type CatalogEntry,
  CatalogEntrySchema,
  CatalogSchema,
  CHAT_TEMPLATES,
  type ModelSource,
  POOLS,
  parseModelUri,
  QUANTIZATIONS,
} from "./schema.js";
