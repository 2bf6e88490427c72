/**
 * The fixed prompt set every target gets, mixing short questions and longer instructions so
 * prompt-token pricing shows up in $/1K. Fixed text keeps runs comparable across days.
 */
export const PROMPTS: readonly { id: string; text: string }[] = [
  { id: "capital", text: "What is the capital of France? Answer in one word." },
  { id: "haiku", text: "Write a haiku about autumn leaves falling on a quiet river." },
  {
    id: "explain-tcp",
    text: "Explain the difference between TCP and UDP to a new backend engineer, with one example each.",
  },
  {
    id: "summarise",
    text:
      "Summarise the following paragraph in two sentences: Kubernetes is an open-source system for automating " +
      "deployment, scaling, and management of containerized applications. It groups containers that make up an " +
      "application into logical units for easy management and discovery. Kubernetes builds upon fifteen years of " +
      "experience of running production workloads, combined with best-of-breed ideas and practices from the community.",
  },
  {
    id: "sql",
    text: "Write a SQL query that returns the ten customers with the highest total order value in 2024.",
  },
  {
    id: "translate",
    text: "Translate to German: The weather is nice today, let's go for a walk in the park.",
  },
  {
    id: "code-review",
    text:
      "Review this TypeScript function and suggest improvements: function sum(xs) { let t = 0; for (var i = 0; " +
      "i <= xs.length; i++) { t += xs[i]; } return t; }",
  },
  { id: "list", text: "List five ways to reduce the cost of running GPU inference in the cloud." },
];

/** The prompt for request `index` (round-robin, so every target gets the same sequence). */
export function promptFor(index: number): { id: string; text: string } {
  return PROMPTS[index % PROMPTS.length]!;
}
