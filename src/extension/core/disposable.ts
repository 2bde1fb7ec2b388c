/**
 * The one way the extension tracks what it must clean up (after vscode-extension-samples'
 * custom-editor-sample `dispose.ts`). Every panel, manager and session extends it: `_register`
 * ties a listener, timer or child to its owner's lifetime, and disposes it at once when the owner
 * is already gone, so nothing registered late outlives a closed panel. Nobody keeps a hand-rolled
 * `disposed` flag.
 */
export interface IDisposable {
  dispose(): void;
}

export function disposeAll(ds: Iterable<IDisposable>): void {
  for (const d of [...ds]) d.dispose();
}

export abstract class Disposable implements IDisposable {
  private _isDisposedFlag = false;
  private readonly _disposables: IDisposable[] = [];

  protected get _isDisposed(): boolean {
    return this._isDisposedFlag;
  }

  /** Disposes everything registered, last registered first, once. */
  dispose(): void {
    if (this._isDisposedFlag) return;
    this._isDisposedFlag = true;
    disposeAll(this._disposables.splice(0).reverse());
  }

  protected _register<T extends IDisposable>(d: T): T {
    if (this._isDisposedFlag) d.dispose();
    else this._disposables.push(d);
    return d;
  }
}
