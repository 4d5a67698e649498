package dev.racetrack.kubernetes;

import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProbe;
import dev.racetrack.spi.PluginContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provides the {@code kubernetes} target. The API client configures itself the usual way: the pod's
 * service account inside a cluster, else {@code KUBECONFIG} or {@code ~/.kube/config}.
 */
public final class KubernetesInfrastructurePlugin implements InfrastructurePlugin {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesInfrastructurePlugin.class);

  @Override
  public String name() {
    return KubernetesTarget.NAME;
  }

  /** Job secrets are the cluster's Secrets: a backup reads them, a restore writes them back. */
  @Override
  public boolean keepsSecretsOutsideDataDir() {
    return true;
  }

  @Override
  public InfrastructureTarget create(PluginContext context) {
    KubernetesConfig config = KubernetesConfig.fromEnv(context.env());
    KubernetesClient client = new KubernetesClientBuilder().build();
    LOG.info(
        "kubernetes target: API server {}, namespace {}, image pull secrets {}",
        client.getMasterUrl(),
        config.namespace(),
        config.imagePullSecrets());
    JobProbe probe = new JobProbe(context.httpClient(), context.clock());
    return new KubernetesTarget(
        KubernetesTarget.NAME,
        client,
        config,
        context.clock(),
        address -> probe.probe("http://" + address).lastCallTime());
  }
}
