#if UNITY_EDITOR
using Hathora.Rooms.Interop;
using UnityEditor;

namespace Hathora.Rooms.Unity
{
    // Editor lifecycle: a domain reload (script change, entering Play Mode) unloads the managed
    // code native callbacks would call, and leaving Play Mode ends the game's clients and log
    // handler. Both free every client and remove the log hook first; hathora_client_free and
    // hathora_set_log_callback return only after the last callback into managed code ran. Outside
    // Play Mode no pump object exists, so the editor update polls and drains instead (editor tooling).
    [InitializeOnLoad]
    internal static class HathoraRoomsEditorHooks
    {
        static HathoraRoomsEditorHooks()
        {
            AssemblyReloadEvents.beforeAssemblyReload += ClientRegistry.DisposeAll;
            AssemblyReloadEvents.beforeAssemblyReload += HathoraRoomsLog.Clear;
            EditorApplication.playModeStateChanged += OnPlayModeStateChanged;
            EditorApplication.update += PollOutsidePlayMode;
        }

        static void OnPlayModeStateChanged(PlayModeStateChange change)
        {
            if (change == PlayModeStateChange.ExitingPlayMode)
            {
                ClientRegistry.DisposeAll();
                HathoraRoomsLog.Clear();
            }
        }

        static void PollOutsidePlayMode()
        {
            if (!EditorApplication.isPlaying)
            {
                HathoraRoomsLog.Drain();
                ClientRegistry.PollAll();
            }
        }
    }
}
#endif
