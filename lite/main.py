"""xl-placement's Excel functions in xlwings Lite: paste this file into the add-in's main.py.

xlwings Lite (the free Excel add-in that runs Python inside Excel, through Pyodide, on
Windows, macOS and Excel on the web) registers every function this module holds that
carries xlwings' ``@func`` metadata. The functions are the very ones the classic add-in
and placement.xlsm use (``xl_placement.excel``, whose ``FUNCTIONS`` is the one list of
them): same names, arguments, help texts and results. List the package in the editor's
requirements.txt tab (see lite/requirements.txt) first.
"""

from xl_placement.excel import *  # noqa: F403 - the eight functions, registered by xlwings Lite
