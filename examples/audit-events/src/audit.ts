/**
 * audguard's audit events, written where operators look: every decision (`audguard:decision`) and every key-set
 * fetch (`audguard:keys`) as a pino line, every refusal counted by reason on an OpenTelemetry counter, and
 * audguard's configuration warnings (`AUDGUARD_*` codes) logged instead of lost on stderr.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { DecisionEvent, KeysEvent, WarningCode } from '@audguard/core';
import type { Meter } from '@opentelemetry/api';
import type { Logger } from 'pino';

/** The counter of refusals; each data point has the attribute `audguard.reason` (`expired`, `audience_mismatch`…). */
export const REFUSALS_METRIC = 'audguard.refusals';

/**
 * Subscribes to audguard's channels; returns the unsubscribe. Subscribers run synchronously inside the request
 * (an exception here would reach the process as an uncaught one), so they only hand the event on.
 */
export function auditDecisions(logger: Logger, meter: Meter): () => void {
  const refusals = meter.createCounter(REFUSALS_METRIC, {
    description: 'Requests audguard refused, by reason',
    unit: '{request}',
  });
  const onDecision = (message: unknown) => {
    const event = message as DecisionEvent;
    // The event never carries the token, nor the query string (which may): it can be logged as it is.
    logger.info({ event: 'audguard.decision', ...event }, `audguard: ${event.outcome}`);
    if (event.outcome === 'refused') refusals.add(1, { 'audguard.reason': event.reason ?? 'unknown' });
  };
  const onKeys = (message: unknown) => {
    const event = message as KeysEvent;
    const failed = event.type === 'fetch_failed' || event.type === 'discovery_failed';
    logger[failed ? 'error' : 'info']({ event: 'audguard.keys', ...event }, `audguard: keys ${event.type}`);
  };
  subscribe('audguard:decision', onDecision);
  subscribe('audguard:keys', onKeys);
  return () => {
    unsubscribe('audguard:decision', onDecision);
    unsubscribe('audguard:keys', onKeys);
  };
}

type Warning = Error & { code?: string; detail?: string };

const isAudguardWarning = (warning: Warning): warning is Warning & { code: WarningCode } =>
  typeof warning.code === 'string' && warning.code.startsWith('AUDGUARD_');

/**
 * Logs audguard's warnings (a near miss of the configured issuer or audience, a key set that cannot be fetched:
 * mistakes that look like outages) with their code and detail; every other warning is left to Node.
 */
export function logAudguardWarnings(logger: Logger): () => void {
  const onWarning = (warning: Warning) => {
    if (!isAudguardWarning(warning)) return;
    logger.warn({ event: 'audguard.warning', code: warning.code, detail: warning.detail }, warning.message);
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
  };
}
