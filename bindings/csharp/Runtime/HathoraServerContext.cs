using Hathora.Rooms.Interop;
using Hathora.Rooms.Native;
using N = Hathora.Rooms.Native.NativeMethods;

namespace Hathora.Rooms
{
    /// <summary>
    /// Who and where this game-server process is, as the host that started it said (the HATHORA_*
    /// environment: the rooms server, Hathora Cloud, any host following the same convention). Read
    /// it once at start with <see cref="FromEnvironment"/>, then build the game server's client
    /// from it (<see cref="HathoraRoomsClientOptions.ServerContext"/>) and ask for its rooms with
    /// <see cref="HathoraRoomsClient.GetRoomsOfThisProcessAsync"/>. Optional values are null when
    /// the host did not set them. Tests and other hosts may also fill one in by hand.
    /// </summary>
    public sealed class HathoraServerContext
    {
        /// <summary>HATHORA_PROCESS_ID: this process.</summary>
        public string ProcessId { get; set; }

        /// <summary>HATHORA_APP_ID.</summary>
        public string AppId { get; set; }

        /// <summary>HATHORA_REGION; Unknown when not set.</summary>
        public Region Region { get; set; }

        /// <summary>HATHORA_REGION as given, e.g. "Sao_Paulo"; null when not set.</summary>
        public string RegionRaw { get; set; }

        /// <summary>HATHORA_ROOMS_PER_PROCESS: at least 1.</summary>
        public int? RoomsPerProcess { get; set; }

        /// <summary>HATHORA_INITIAL_ROOM_ID: the room this process was started for.</summary>
        public string InitialRoomId { get; set; }

        /// <summary>HATHORA_INITIAL_ROOM_CONFIG: that room's config, as given.</summary>
        public string InitialRoomConfig { get; set; }

        /// <summary>HATHORA_DEFAULT_PORT: the port to listen on.</summary>
        public int? DefaultPort { get; set; }

        /// <summary>HATHORA_HOSTNAME: the public host name players connect to.</summary>
        public string Hostname { get; set; }

        /// <summary>HATHORA_DEPLOYMENT_ID.</summary>
        public string DeploymentId { get; set; }

        /// <summary>HATHORA_BUILD_TAG.</summary>
        public string BuildTag { get; set; }

        /// <summary>HATHORA_BASE_URL: where the API is.</summary>
        public string BaseUrl { get; set; }

        /// <summary>HATHORA_PROCESS_TOKEN: a token scoped to this process's rooms. A secret: never log it (ToString leaves it out).</summary>
        public string ProcessToken { get; set; }

        /// <summary>
        /// Reads this process's HATHORA_* environment.
        /// </summary>
        /// <exception cref="HathoraNotUnderHostException">No host started this process (HATHORA_PROCESS_ID is not set).</exception>
        /// <exception cref="HathoraInvalidArgumentException">A variable is missing or malformed; the message names it.</exception>
        public static unsafe HathoraServerContext FromEnvironment()
        {
            Native.HathoraServerContext* native;
            HathoraResultCode code = N.hathora_server_context(&native);
            if (code != HathoraResultCode.Ok)
            {
                throw ExceptionFactory.Refused(code, NativeClient.LastError(), false);
            }
            try
            {
                return ModelReader.ServerContext(native);
            }
            finally
            {
                N.hathora_server_context_free(native);
            }
        }

        public override string ToString()
        {
            return "HathoraServerContext(process " + ProcessId + ", app " + AppId + ", region " + (RegionRaw ?? "-") +
                   ", port " + (DefaultPort.HasValue ? DefaultPort.Value.ToString() : "-") + ", base URL " + (BaseUrl ?? "-") +
                   (ProcessToken != null ? ", with a process token)" : ")");
        }
    }
}
