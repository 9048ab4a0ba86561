import type { StackProps } from 'aws-cdk-lib';
import type { GatewayEnvironment } from '../config/environments';

/** Every Gatehouse stack receives the resolved environment; nothing else reads config. */
export interface GatewayStackProps extends StackProps {
  readonly gateway: GatewayEnvironment;
}
