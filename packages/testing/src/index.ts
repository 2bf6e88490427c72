/**
 * @llm/testing: fakes that speak the wire formats our programs talk to (OpenAI, Anthropic, Gemini,
 * the Kubernetes API, kubectl), seeded randomness and loopback ports. For tests and the bench only:
 * production code never imports it (`pnpm lint` checks).
 */
export { startFakeAnthropic } from "./anthropic/fake-anthropic.js";
export { startFakeGemini } from "./gemini/fake-gemini.js";
export {
  type FakeFailure,
  type FakeHandler,
  type FakeServer,
  type Received,
  readText,
  sendJson,
  startFake,
} from "./http/fake-server.js";
export { type SseFrame, sse, sseFrame } from "./http/sse.js";
export { FakeKubeApi, type FakeNode, type FakePod, type SeenRequest } from "./kubernetes/fake-kube-api.js";
export { fakeKubectlDir } from "./kubernetes/fake-kubectl.js";
export {
  type FakeMode,
  type FakeOpenAI,
  type FakeOpenAIOptions,
  startFakeOpenAI,
} from "./openai/fake-openai.js";
export { FakeUpstream, type FakeUpstreamOptions } from "./openai/fake-upstream.js";
export { estimateTokens, type Usage } from "./openai/replies.js";
export { freePort, listenLoopback } from "./ports.js";
export {
  hashSeed,
  intBetween,
  type LogNormal,
  lognormal,
  mulberry32,
  normal,
  type Random,
} from "./random/prng.js";
export { type RedisServer, startRedisServer } from "./redis/redis-server.js";
export { makeTestPki, type TestPki } from "./tls/pki.js";
