"""Fixtures shared by the unit tests."""

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture(scope="module")
def one_thread() -> Iterator[None]:
    """Tiny convolutions run fastest on one thread; two threads on a busy 2-core machine
    spin against other jobs and made the GAN and VAE test files 20x slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
