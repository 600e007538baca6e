package io.gadgetflow.controller.reconcile;

import java.time.Duration;

/**
 * How long the controller waits for a node's answer.
 *
 * @param operation for an operation, before the Trace shows an error
 * @param deletion for the stop of a deleted Trace, before its finalizer goes anyway
 */
public record AnswerTimeouts(Duration operation, Duration deletion) {}
