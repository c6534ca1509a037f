/**
 * `records$`'s Observable: a subscriber that throws cannot take the lifecycle, or later the process,
 * down. RxJS reports an error thrown by a subscriber's callback asynchronously, by re-throwing it
 * from a timer (an uncaught exception, long after the call that caused it). Here each subscriber's
 * callbacks are guarded instead: the first throw unsubscribes that subscriber and is handed to
 * `onThrow` once. Operators keep the guard: `pipe` builds its stages with `lift`, which returns a
 * RecordStream, so a subscriber at the end of a pipe is guarded too.
 */
import { Observable, Subscriber, type Observer, type Operator, type Subscription, type TeardownLogic } from 'rxjs';

export class RecordStream<T> extends Observable<T> {
  readonly #onThrow: (error: unknown) => void;

  constructor(subscribe: ((this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic) | undefined, onThrow: (error: unknown) => void) {
    super(subscribe);
    this.#onThrow = onThrow;
  }

  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const next = new RecordStream<R>(undefined, this.#onThrow);
    next.source = this;
    next.operator = operator;
    return next;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  /** @deprecated as in RxJS: pass an observer. */
  override subscribe(next?: ((value: T) => void) | null, error?: ((error: unknown) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(
    first?: Partial<Observer<T>> | ((value: T) => void) | null,
    error?: ((error: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // An operator's inner subscriber is library code, not a user callback.
    if (first instanceof Subscriber) return super.subscribe(first);
    const observer: Partial<Observer<T>> =
      typeof first === 'function' || first == null ? { next: first ?? undefined, error: error ?? undefined, complete: complete ?? undefined } : first;
    let failed = false;
    let subscription: Subscription | undefined;
    // One argument, no rest parameters: `next` runs once per record. (`complete` receives none.)
    const guard = <A>(fn: ((arg: A) => void) | undefined) =>
      fn &&
      ((arg: A) => {
        if (failed) return;
        try {
          fn.call(observer, arg);
        } catch (e) {
          failed = true;
          subscription?.unsubscribe();
          this.#onThrow(e);
        }
      });
    subscription = super.subscribe({
      next: guard(observer.next),
      error: guard(observer.error),
      complete: guard(observer.complete as ((arg: undefined) => void) | undefined) as (() => void) | undefined,
    });
    if (failed) subscription.unsubscribe();
    return subscription;
  }
}
