#if UNITY_EDITOR
using Hathora.Rooms.Interop;
using UnityEditor;

namespace Hathora.Rooms.Unity
{
    // Editor lifecycle: a domain reload (script change, entering Play Mode) unloads the managed
    // code native callbacks would call, and leaving Play Mode ends the game's clients. Both free
    // every client first; hathora_client_free returns only after its last callback ran. Outside
    // Play Mode no pump object exists, so the editor update polls instead (editor tooling).
    [InitializeOnLoad]
    internal static class HathoraRoomsEditorHooks
    {
        static HathoraRoomsEditorHooks()
        {
            AssemblyReloadEvents.beforeAssemblyReload += ClientRegistry.DisposeAll;
            EditorApplication.playModeStateChanged += OnPlayModeStateChanged;
            EditorApplication.update += PollOutsidePlayMode;
        }

        static void OnPlayModeStateChanged(PlayModeStateChange change)
        {
            if (change == PlayModeStateChange.ExitingPlayMode)
            {
                ClientRegistry.DisposeAll();
            }
        }

        static void PollOutsidePlayMode()
        {
            if (!EditorApplication.isPlaying)
            {
                ClientRegistry.PollAll();
            }
        }
    }
}
#endif
