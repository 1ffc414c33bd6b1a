"""Chapter-level glue: lay a paper's table beside ours and assign the verdicts.

Estimators, readers and models live in the core modules (``rv``, ``rough``, ``models`` …); a module here only
arranges their outputs in the paper's layout and turns each comparable cell into a
:class:`volrep.report.Claim`, so that notebooks stay free of logic and every rule for a verdict is written once,
in a docstring, where it can be reviewed and tested.
"""
