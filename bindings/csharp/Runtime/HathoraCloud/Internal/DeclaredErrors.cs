using System;
using Hathora.Rooms;
using HathoraCloud.Models.Errors;

namespace HathoraCloud.Internal
{
    internal enum Operation
    {
        CreateRoom,
        DestroyRoom,
        GetActiveRoomsForProcess,
        GetConnectionInfo,
        GetInactiveRoomsForProcess,
        GetRoomInfo,
        ResumeRoom,
        SuspendRoomV2Deprecated,
        UpdateRoomConfig,
    }

    // Which error statuses each operation declares, exactly as the official SDK's reference page
    // lists them (its "Error Object" tables): those become ApiError, any other status SDKException.
    // ResumeRoom has no table on that page; its statuses are the REST contract's (roomsv2.md).
    internal static class DeclaredErrors
    {
        static readonly int[] CreateRoom = { 400, 401, 402, 404, 422, 429, 500 };
        static readonly int[] DestroyRoom = { 401, 404, 429, 500 };
        static readonly int[] RoomList = { 401, 404, 429 };
        static readonly int[] GetConnectionInfo = { 400, 402, 404, 422, 429, 500 };
        static readonly int[] GetRoomInfo = { 401, 404, 422, 429 };
        static readonly int[] ResumeRoom = { 400, 401, 402, 404, 408, 422, 429, 500 };
        static readonly int[] SuspendRoom = { 401, 404, 429, 500 };
        static readonly int[] UpdateRoomConfig = { 401, 404, 429, 500 };

        public static bool IsDeclared(Operation operation, int status)
        {
            return Array.IndexOf(Statuses(operation), status) >= 0;
        }

        // The exception an error answer of this operation becomes.
        public static Exception Map(Operation operation, HathoraApiException e)
        {
            var raw = new HathoraResponse(e.StatusCode, e.RawBody, e.Attempts, e.RequestId);
            if (IsDeclared(operation, e.StatusCode))
            {
                return new ApiError(e.ApiMessage, e.StatusCode, e.RawBody, raw, e);
            }
            return new SDKException("API error occurred: HTTP " + e.StatusCode + ": " + e.ApiMessage, e.StatusCode, e.RawBody, raw, e);
        }

        static int[] Statuses(Operation operation)
        {
            switch (operation)
            {
                case Operation.CreateRoom: return CreateRoom;
                case Operation.DestroyRoom: return DestroyRoom;
                case Operation.GetActiveRoomsForProcess: return RoomList;
                case Operation.GetInactiveRoomsForProcess: return RoomList;
                case Operation.GetConnectionInfo: return GetConnectionInfo;
                case Operation.GetRoomInfo: return GetRoomInfo;
                case Operation.ResumeRoom: return ResumeRoom;
                case Operation.SuspendRoomV2Deprecated: return SuspendRoom;
                case Operation.UpdateRoomConfig: return UpdateRoomConfig;
                default: throw new ArgumentOutOfRangeException("operation");
            }
        }
    }
}
