/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8.0 lacks: Rust's standard
 * library takes its random numbers from ProcessPrng in it. Windows 10 and newer have the real
 * DLL; scripts/windows_smoke.sh builds this next to the unpacked exe, never into the zip. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    return RtlGenRandom(data, (ULONG)len);
}
