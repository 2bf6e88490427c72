import { type ComponentChildren, cloneElement, type VNode } from "preact";
import { useId } from "preact/hooks";

/**
 * A form control with its visible label tied by `for`/`id` (not by wrapping: a wrapping label's
 * accessible name would also take in the control's value or options).
 */
export function Field({ label, children }: { label: ComponentChildren; children: VNode<{ id?: string }> }) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {cloneElement(children, { id })}
    </div>
  );
}
