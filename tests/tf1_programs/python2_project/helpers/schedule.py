"""The learning rate schedule: halved every `every` epochs (a step decay: epoch / every floors)."""


def learning_rate(base, epoch, every):
    return base * 0.5 ** (epoch / every)
