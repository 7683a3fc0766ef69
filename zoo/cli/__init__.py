"""The application on top of the library: the ``python -m zoo`` commands (``commands``),
one experiment from model to report (``experiment``), the demo (``demo``) and the frame
of the example scripts (``assignment``). Nothing in the library imports from here."""
