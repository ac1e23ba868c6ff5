package io.stockflow.workflows.alerts;

/**
 * How an alert episode ended.
 *
 * @param closedBy who acknowledged it, or null when it was resolved or closed outside the workflow
 */
public record AlertResult(String episodeKey, String status, String closedBy, long notifyCount) {}
