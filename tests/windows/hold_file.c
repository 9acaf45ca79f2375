/* Test helper for scripts/windows_smoke.sh: holds FILE open for SECONDS without sharing it with
 * anyone, as some programs hold the documents they show, so that blindfold's message for a
 * locked input can be seen under Wine. Prints "holding" once the file is held. */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 3) {
        fputs("usage: hold_file FILE SECONDS\n", stderr);
        return 2;
    }
    HANDLE file = CreateFileW(argv[1], GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold_file: cannot open (error %lu)\n", GetLastError());
        return 1;
    }
    puts("holding");
    fflush(stdout);
    Sleep((DWORD)_wtoi(argv[2]) * 1000);
    CloseHandle(file);
    return 0;
}
