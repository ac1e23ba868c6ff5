package io.stockflow.stock;

/** How urgent an alert is ({@code alerts.severity}). */
public enum AlertSeverity implements DbCode {
  INFO,
  WARNING,
  CRITICAL
}
