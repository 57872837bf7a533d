// The RunInstances request of an unattended run.
import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import { RunnerOptions } from './options';
import { userData } from './userdata';

/** Amazon Linux 2023, latest, resolved by EC2 from the public SSM parameter. */
export function imageId(arch: RunnerOptions['architecture']): string {
  return `resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`;
}

export function runInstancesInput(o: RunnerOptions): RunInstancesCommandInput {
  return {
    ImageId: imageId(o.architecture),
    InstanceType: o.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    IamInstanceProfile: { Name: o.instanceProfile },
    InstanceInitiatedShutdownBehavior: 'terminate',
    UserData: Buffer.from(userData(o)).toString('base64'),
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    BlockDeviceMappings: [
      { DeviceName: '/dev/xvda', Ebs: { VolumeSize: 16, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } },
    ],
    TagSpecifications: [
      {
        ResourceType: 'instance',
        Tags: [
          { Key: 'Name', Value: `lambench-${o.runId}` },
          { Key: 'lambench:run-id', Value: o.runId },
        ],
      },
    ],
  };
}
