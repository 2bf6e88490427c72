/**
 * Models with native structured outputs, GA on the Claude API: Opus 4.5/4.6, Sonnet 4.5/4.6,
 * Haiku 4.5 (platform.claude.com/docs/en/build-with-claude/structured-outputs, checked 2026-12),
 * and the 4.x point releases after them; used by the adapter's `structuredOutputs: "auto"`.
 */
const NATIVE_STRUCTURED_OUTPUT = /^claude-(?:opus|sonnet|haiku)-4-[5-9](?:\D|$)/;

/** True when `model` accepts `output_config.format` (see NATIVE_STRUCTURED_OUTPUT). */
export function supportsNativeStructuredOutput(model: string): boolean {
  return NATIVE_STRUCTURED_OUTPUT.test(model);
}
