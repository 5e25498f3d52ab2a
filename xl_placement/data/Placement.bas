Attribute VB_Name = "Placement"
' xl-placement: the macro behind the "Build report" button on the Inputs sheet.
' It runs placement.main() in Python through xlwings' RunPython. placement.main()
' reads the Inputs sheet of this workbook, whatever the file is called, builds the
' report next to it and opens it. The module name is fixed ("placement"), so a
' workbook saved under another name keeps a working button. Python's current folder
' (the empty entry of sys.path) is dropped first, so a stray placement.py in Excel's
' current folder cannot run instead of the installed module.
Option Explicit

Sub BuildReport()
    RunPython "import sys; sys.path[:] = [p for p in sys.path if p]; import placement; placement.main()"
End Sub
