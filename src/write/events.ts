import type { Session } from "../dialect/session.js";
import type { ModelCodec } from "../plan/model-codec.js";
import type { ModelEvent } from "../schema/model.js";

type Values = Record<string, unknown>;

/** Per root session: how to make the db handle a hook gets for a (transaction) session. */
const facades = new WeakMap<Session, (session: Session) => unknown>();

/** Registers how hooks of `session`'s db (and its transactions) get their db handle (createDb does). */
export function setEventFacade(session: Session, facade: (session: Session) => unknown): void {
  facades.set(session, facade);
}

/** Whether the model has a hook for any of `events` (a model without pays one map lookup per event). */
export function hasHooks(codec: ModelCodec, ...events: ModelEvent[]): boolean {
  const hooks = codec.meta.events;
  return hooks.size > 0 && events.some((event) => hooks.has(event));
}

/** Runs the model's `event` hook on each row, in order, with the db of `session` (the write's transaction). */
export async function fire(session: Session, codec: ModelCodec, event: ModelEvent, rows: readonly Values[]) {
  const hook = codec.meta.events.get(event);
  if (!hook) return;
  const context = { db: facades.get(session.root)?.(session) };
  for (const row of rows) await hook(row, context);
}
