#if UNITY_5_3_OR_NEWER
using Hathora.Rooms.Interop;
using UnityEngine;

namespace Hathora.Rooms.Unity
{
    // Completes the tasks of poll-mode clients and delivers the log lines once per frame, on the
    // main thread, so callbacks never come from a native thread (IL2CPP) and continuations and the
    // log handler can touch Unity objects.
    [AddComponentMenu("")]
    internal sealed class HathoraRoomsPump : MonoBehaviour
    {
        static HathoraRoomsPump instance;
        static bool quitHooked;

        [RuntimeInitializeOnLoadMethod(RuntimeInitializeLoadType.BeforeSceneLoad)]
        static void Install()
        {
            if (!quitHooked)
            {
                // Free every client and remove the log hook while managed code is still there to
                // receive their callbacks.
                Application.quitting += ClientRegistry.DisposeAll;
                Application.quitting += HathoraRoomsLog.Clear;
                quitHooked = true;
            }
            if (instance != null)
            {
                return;
            }
            var host = new GameObject("Hathora Rooms Pump");
            host.hideFlags = HideFlags.HideInHierarchy | HideFlags.NotEditable;
            DontDestroyOnLoad(host);
            instance = host.AddComponent<HathoraRoomsPump>();
        }

        void Update()
        {
            HathoraRoomsLog.Drain();
            ClientRegistry.PollAll();
        }
    }
}
#endif
