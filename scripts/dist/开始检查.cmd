@echo off
rem The applicant's starter: serves the check page and opens it in the browser.
rem Keep this window open while checking; closing it stops blindfold.
cd /d "%~dp0"
blindfold.exe start
if errorlevel 1 pause
