"""Shared fixtures.

``import volrep.train`` (which every network test reaches) pins PyTorch to one thread and ``import volrep`` asks
MKL, oneDNN and ATen for their AVX2 kernels (``volrep.config``): the tests see what the chapters see.
"""
