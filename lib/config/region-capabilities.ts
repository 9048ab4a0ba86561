/**
 * What a region must offer for Gatehouse to deploy there, as far as it is known offline. Each
 * fact names its source; a region this table knows nothing against is accepted (per-service
 * region lists change often and are not in the stored documentation, docs/multi-region.md).
 */
import type { GatewayConfig } from './schema';

interface Capability {
  /** What is missing, as the rest of a sentence that starts with the region. */
  readonly missing: string;
  readonly lacks: (region: string, config: GatewayConfig) => boolean;
}

const CAPABILITIES: readonly Capability[] = [
  {
    // Partitions: ARNs there start arn:aws-cn: / arn:aws-us-gov:, and CloudFront, its ACM
    // certificates and the edge web ACL live in the aws partition's us-east-1 (lib/stage.ts).
    missing: 'is in another AWS partition (China or GovCloud): Gatehouse deploys to the aws partition only, whose us-east-1 holds its CloudFront edge, and whose ARNs (arn:aws:...) its config and stacks use',
    lacks: (region) => region.startsWith('cn-') || region.includes('-gov-'),
  },
];

/** What `region` lacks for `config`, each a sentence that follows the region's name. */
export function missingCapabilities(config: GatewayConfig, region: string): string[] {
  return CAPABILITIES.filter((c) => c.lacks(region, config)).map((c) => c.missing);
}
