// Not named `then`: a module exporting `then` is a thenable, and `await import()` of it never yields the module.
/** A value now, or later: the core answers synchronously whenever no I/O is needed. */
export type Maybe<T> = T | Promise<T>;

/** `fn(value)` now when `value` is here, after it settles otherwise — no promise when none is needed. */
export function andThen<T, U>(value: Maybe<T>, fn: (value: T) => Maybe<U>): Maybe<U> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}
