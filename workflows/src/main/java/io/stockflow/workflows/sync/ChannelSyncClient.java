package io.stockflow.workflows.sync;

import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the channel-sync subprocessor calls when changes may affect availability: one
 * SignalWithStart on {@code channel-sync/bucket-<n>} per bucket, carrying every changed SKU of that
 * bucket. A fixed number of bucket workflows (instead of one per SKU) bounds the Temporal calls
 * channel sync costs: at most {@code buckets} per poll batch, however many SKUs change. Idempotent:
 * the signal only names SKUs, and the workflow's effects set levels. Thread-safe.
 */
public final class ChannelSyncClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "channel_sync";

  private final WorkflowClient client;
  private final String taskQueue;
  private final ChannelSyncSettings settings;

  public ChannelSyncClient(WorkflowClient client, String taskQueue, ChannelSyncSettings settings) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.settings = settings;
  }

  /** {@code channel-sync/bucket-<n>}. */
  public static String workflowId(int bucket) {
    return "channel-sync/bucket-" + bucket;
  }

  /**
   * The bucket of a SKU: {@code Math.floorMod(sku.hashCode(), buckets)}. {@link String#hashCode} is
   * specified by the JLS, so every process (and every version) maps a SKU to the same bucket.
   */
  public static int bucketOf(String sku, int buckets) {
    return Math.floorMod(sku.hashCode(), buckets);
  }

  /** The bucket of a SKU under this client's bucket count. */
  public int bucketOf(String sku) {
    return bucketOf(sku, settings.buckets());
  }

  /** The workflow ID that syncs a SKU under this client's bucket count. */
  public String workflowIdOf(String sku) {
    return workflowId(bucketOf(sku));
  }

  public ChannelSyncSettings settings() {
    return settings;
  }

  /**
   * Groups SKUs by bucket: bucket → distinct SKUs in first-seen order, buckets ascending. Pure;
   * what the subprocessor does with a batch before calling {@link #onSkusChanged} once per entry.
   */
  public static Map<Integer, List<String>> byBucket(Collection<String> skus, int buckets) {
    Map<Integer, Set<String>> groups = new TreeMap<>();
    for (String sku : skus) {
      groups.computeIfAbsent(bucketOf(sku, buckets), b -> new LinkedHashSet<>()).add(sku);
    }
    Map<Integer, List<String>> result = new TreeMap<>();
    groups.forEach((bucket, set) -> result.put(bucket, List.copyOf(set)));
    return result;
  }

  /** {@link #byBucket(Collection, int)} under this client's bucket count. */
  public Map<Integer, List<String>> byBucket(Collection<String> skus) {
    return byBucket(skus, settings.buckets());
  }

  /**
   * One SignalWithStart on the bucket's workflow carrying {@code skus} (which must all belong to
   * {@code bucket}; checked, since a SKU sent to the wrong bucket would be synced by two
   * workflows).
   *
   * @return the run that received the signal
   */
  public WorkflowExecution onSkusChanged(int bucket, Collection<String> skus) {
    if (bucket < 0 || bucket >= settings.buckets()) {
      throw new IllegalArgumentException(
          "bucket " + bucket + " outside 0.." + (settings.buckets() - 1));
    }
    for (String sku : skus) {
      if (bucketOf(sku) != bucket) {
        throw new IllegalArgumentException(
            sku + " is in bucket " + bucketOf(sku) + ", not " + bucket);
      }
    }
    ChannelSyncWorkflow wf =
        client.newWorkflowStub(
            ChannelSyncWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId(bucket))
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                // No Sku attribute: a bucket serves many SKUs.
                .setTypedSearchAttributes(StockflowSearchAttributes.of(KIND, null, null))
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(wf::run, ChannelSyncInput.first(bucket, settings));
    request.add(wf::skusChanged, new ArrayList<>(new LinkedHashSet<>(skus)));
    return client.signalWithStart(request);
  }

  /** One SKU changed: {@link #onSkusChanged} on its bucket. */
  public WorkflowExecution onSkuChanged(String sku) {
    return onSkusChanged(bucketOf(sku), List.of(sku));
  }
}
