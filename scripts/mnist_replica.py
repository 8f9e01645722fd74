"""One task of a distributed training cluster (TF 1.x's mnist_replica.py): a ps or a worker.

Start every task with the same host lists, e.g. one ps and two workers, one command per host:
  H='--ps_hosts ps0:2222 --worker_hosts w0:2222,w1:2222'
  python scripts/mnist_replica.py $H --job_name ps --task_index 0       # on ps0
  python scripts/mnist_replica.py $H --job_name worker --task_index 0   # on w0, the chief
  python scripts/mnist_replica.py $H --job_name worker --task_index 1   # on w1
or all of them on this machine: python -m mnist.cluster --ps 1 --workers 2.
"""
from mnist import cli, replica


def main(argv=None):
    return replica.main(argv)


if __name__ == '__main__':
    cli.run(main, errors=(replica.ClusterError,))
