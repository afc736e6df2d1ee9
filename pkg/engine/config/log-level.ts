// Live log-level changes (effects: logger state). pino copies the level into each child at creation,
// so a reload must reach every child too: this tracks them weakly through pino's onChild hook.
import type { Logger } from 'pino';

export class LogLevelControl {
  private readonly children = new Set<WeakRef<Logger>>();
  private readonly registry = new FinalizationRegistry<WeakRef<Logger>>((ref) => this.children.delete(ref));
  private root: Logger | undefined;

  /** Pass as pino's `onChild` option; grandchildren are reported too. */
  readonly onChild = (child: Logger): void => {
    const ref = new WeakRef(child);
    this.children.add(ref);
    this.registry.register(child, ref);
  };

  attach(root: Logger): void {
    this.root = root;
  }

  get level(): string {
    return this.root?.level ?? 'info';
  }

  /** Sets the level of the root logger and of every live child. */
  set(level: string): void {
    if (this.root) this.root.level = level;
    for (const ref of this.children) {
      const child = ref.deref();
      if (child) child.level = level;
      else this.children.delete(ref);
    }
  }
}
