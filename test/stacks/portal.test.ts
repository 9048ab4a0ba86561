import { Match } from 'aws-cdk-lib/assertions';
import { formatFindings, synthesize } from '../support/synth';

/** The developer portal on AWS (issue 17): S3 behind the API's own distribution, at portal.path. */
const synth = synthesize({ file: 'examples/ecommerce.yaml' }, ['prod']);
const cdn = synth.template('prod', 'Cdn');

describe('the developer portal on AWS', () => {
  it('serves /docs and /docs/* from a private bucket through origin access control, on the API\'s distribution', () => {
    const distribution = Object.values(cdn.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: { CacheBehaviors: Array<{ PathPattern: string; TargetOriginId: string; AllowedMethods: string[] }>; Origins: Array<{ Id: string; S3OriginConfig?: unknown; OriginAccessControlId?: unknown }> } } };
    const config = distribution.Properties.DistributionConfig;
    const portal = config.CacheBehaviors.filter((b) => b.PathPattern === '/docs' || b.PathPattern === '/docs/*');
    expect(portal.map((b) => b.PathPattern).sort()).toEqual(['/docs', '/docs/*']);
    for (const b of portal) expect(b.AllowedMethods).toEqual(['GET', 'HEAD']);
    const origin = config.Origins.find((o) => o.Id === portal[0].TargetOriginId)!;
    expect(origin.OriginAccessControlId).toBeDefined();
    cdn.hasResourceProperties('AWS::S3::Bucket', { PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true } });
  });

  it('deploys the page, the OpenAPI document and Swagger UI under docs/', () => {
    cdn.hasResourceProperties('Custom::CDKBucketDeployment', { DestinationBucketKeyPrefix: 'docs/', Prune: true });
  });

  it('rewrites /docs/ to its index and redirects /docs to /docs/', () => {
    cdn.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: Match.stringLikeRegexp("request.uri === '/docs/'") });
  });

  it('passes the compliance gate', () => {
    expect(formatFindings(synth.findings)).toBe('');
  });
});
