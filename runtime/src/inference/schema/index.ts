/** Schema-to-grammar: compile a client JSON schema once, constrain decoding with it, check the output. */
export { type CompiledSchema, checkJsonOutput, compileJsonSchema, type SchemaOptions } from "./compile.js";
export { UnenforceableKeywordError } from "./translate.js";
