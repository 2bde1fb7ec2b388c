/**
 * What every setup form does alike: one field at a time marked invalid, the Start button's busy
 * state, and starting from the button, the form's submit or Enter. Each form says only how it
 * reads its values and shows its errors. Browser code: no Node, no vscode module.
 */
import type { Starting } from '../shared/protocol';
import { byId } from './common';
import { t } from './l10n';

/** A form's values, or the first field that does not read with why. */
export type ReadResult<V> = V | { option: string; message: string };

export function isProblem<V extends object>(r: ReadResult<V>): r is { option: string; message: string } {
  return 'message' in r;
}

/** Clears every field's invalid mark, then marks `field` (and focuses it, when asked). */
export function markInvalid(field: HTMLElement | null, focus: boolean): void {
  for (const f of document.querySelectorAll<HTMLElement>('[data-invalid]')) {
    f.removeAttribute('data-invalid');
    f.removeAttribute('aria-invalid');
    f.toggleAttribute('invalid', false);
  }
  if (!field) return;
  field.dataset.invalid = 'true';
  field.setAttribute('aria-invalid', 'true');
  field.toggleAttribute('invalid', true);
  if (focus) field.focus();
}

/**
 * Wires the form's Start (the #start button, the #form's submit, Enter outside a dropdown, button
 * or checkbox): when `canStart()`, the values are read, a field that does not read is shown, and
 * the rest posted with the button busy until the host's `starting` message, which the page hands on.
 */
export function wireStart<V extends object>(o: {
  canStart(): boolean;
  read(): ReadResult<V>;
  showError(message: string | undefined, option?: string): void;
  post(values: V): void;
}): { starting(m: Starting): void; refresh(): void } {
  let busy = false;
  const setBusy = (b: boolean): void => {
    busy = b;
    const button = byId('start');
    button.toggleAttribute('disabled', b || !o.canStart());
    button.textContent = b ? t('Starting…') : t('Start training');
  };
  const start = (): void => {
    if (busy || !o.canStart()) return;
    const values = o.read();
    if (isProblem(values)) {
      o.showError(values.message, values.option);
      return;
    }
    o.showError(undefined);
    setBusy(true);
    o.post(values);
  };
  byId('form').addEventListener('submit', (e) => {
    e.preventDefault();
    start();
  });
  byId('start').addEventListener('click', start);
  document.addEventListener('keydown', (e) => {
    // Enter starts training, except where Enter means something else (an open dropdown, a button).
    if (e.key !== 'Enter' || e.isComposing) return;
    const tag = (e.target as Element | null)?.tagName ?? '';
    if (tag === 'VSCODE-SINGLE-SELECT' || tag === 'VSCODE-BUTTON' || tag === 'VSCODE-CHECKBOX') return;
    e.preventDefault();
    start();
  });
  return {
    /** The host's answer to a start: busy while training starts, or the error and its field. */
    starting: (m) => {
      setBusy(m.busy);
      o.showError(m.error, m.option);
    },
    refresh: () => setBusy(busy),
  };
}
