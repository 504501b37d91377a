using System.Runtime.CompilerServices;

// tests/csharp/run.sh builds the tests as their own assembly; they reach the interop layer.
[assembly: InternalsVisibleTo("HathoraRooms.Tests")]
