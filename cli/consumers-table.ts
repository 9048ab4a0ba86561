import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GatewayEnvironment } from '../lib/config/environments';
import { CONSUMERS_TABLE_OUTPUT, stackName } from '../lib/stack-names';
import { localConsumersTableName } from '../lib/contract/resource-names';
import { consumersTableProblem, localDynamoClient } from '../local/dynamodb-seed';
import { InputError } from './errors';

/** The consumers table a `gatehouse consumers` command works on, and how it was found. */
export interface ConsumersTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  /** For messages: `table T at http://127.0.0.1:4567` or `table T in eu-west-1 (stack S, output O)`. */
  readonly where: string;
  /** Whether it is a local table (dynalite): its Cognito stand-in is the issuer `local`. */
  readonly local: boolean;
}

export interface TableSelection {
  /** DynamoDB endpoint of a local table (--endpoint or DYNAMODB_ENDPOINT). */
  readonly endpoint?: string;
  /** The table's name (--table or CONSUMERS_TABLE_NAME); otherwise derived (local) or read from the stack (deployed). */
  readonly table?: string;
  /** @default the environment's region */
  readonly region?: string;
}

/**
 * Finds the table. Locally (an endpoint): the name `npm start` reads by default, checked with
 * DescribeTable. Deployed: CloudFormation generates the name, so it is read from the Data stack's
 * output in the environment's region, with the AWS credentials of the environment (profile,
 * SSO, variables: the SDK's default chain).
 */
export async function openConsumersTable(gateway: GatewayEnvironment, selection: TableSelection): Promise<ConsumersTable> {
  if (selection.endpoint) {
    const tableName = selection.table ?? localConsumersTableName(gateway);
    const client = localDynamoClient(selection.endpoint);
    const problem = await consumersTableProblem(client, selection.endpoint, tableName);
    if (problem) {
      client.destroy();
      throw new InputError(problem);
    }
    return { client, tableName, where: `table ${tableName} at ${selection.endpoint}`, local: true };
  }
  const region = selection.region ?? gateway.env.region;
  const client = new DynamoDBClient({ region });
  if (selection.table) return { client, tableName: selection.table, where: `table ${selection.table} in ${region}`, local: false };
  const stack = stackName(gateway, 'data');
  const cloudformation = new CloudFormationClient({ region });
  try {
    const { Stacks } = await cloudformation.send(new DescribeStacksCommand({ StackName: stack }));
    const tableName = Stacks?.[0]?.Outputs?.find((o) => o.OutputKey === CONSUMERS_TABLE_OUTPUT)?.OutputValue;
    if (!tableName) throw new InputError(`stack ${stack} in ${region} has no output ${CONSUMERS_TABLE_OUTPUT}; deploy the current version ('${gateway.name}/*') or pass --table NAME`);
    return { client, tableName, where: `table ${tableName} in ${region} (stack ${stack})`, local: false };
  } catch (err) {
    client.destroy();
    if (err instanceof InputError) throw err;
    const e = err as Error;
    const missing = /does not exist/.test(e.message);
    throw new InputError(missing
      ? `stack ${stack} does not exist in ${region} (account ${gateway.env.account}): deploy environment ${gateway.name} first, use the credentials of its account, or pass --table NAME (--endpoint URL for a local table)`
      : `cannot read stack ${stack} in ${region} to find the consumers table: ${e.name}: ${e.message.split('\n')[0]}; pass --table NAME to skip the lookup`, { cause: err });
  } finally {
    cloudformation.destroy();
  }
}
