using System;
using System.Collections.Generic;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Interop
{
    // Reads one result object into the response an operation returns.
    internal unsafe delegate T ResultDecoder<T>(HathoraResult* result);

    // One decoder per response shape; each runs on a successful result only.
    internal static unsafe class ResultReader
    {
        public static HathoraResponse Meta(HathoraResult* result)
        {
            string body = Utf8.Decode(NativeMethods.hathora_result_body(result), NativeSize.ToInt(NativeMethods.hathora_result_body_len(result)));
            return new HathoraResponse(NativeMethods.hathora_result_http_status(result), body ?? string.Empty,
                checked((int)NativeMethods.hathora_result_attempts(result)), NativeMethods.hathora_result_request_id(result));
        }

        public static HathoraResponse Empty(HathoraResult* result)
        {
            return Meta(result);
        }

        public static HathoraResponse<ConnectionInfoV2> ConnectionInfo(HathoraResult* result)
        {
            return new HathoraResponse<ConnectionInfoV2>(ModelReader.ConnectionInfo(ConnectionOf(result)), Meta(result));
        }

        public static HathoraResponse<RoomConnectionData> RoomConnectionData(HathoraResult* result)
        {
            return new HathoraResponse<RoomConnectionData>(ModelReader.RoomConnectionData(ConnectionOf(result)), Meta(result));
        }

        public static HathoraResponse<Room> Room(HathoraResult* result)
        {
            HathoraRoom* room;
            Check(NativeMethods.hathora_result_room(result, &room));
            return new HathoraResponse<Room>(ModelReader.Room(room), Meta(result));
        }

        public static HathoraResponse<IReadOnlyList<RoomWithoutAllocations>> Rooms(HathoraResult* result)
        {
            UIntPtr size;
            Check(NativeMethods.hathora_result_room_count(result, &size));
            int count = NativeSize.ToInt(size);
            var rooms = new List<RoomWithoutAllocations>(count);
            for (int i = 0; i < count; i++)
            {
                HathoraRoom* room;
                Check(NativeMethods.hathora_result_room_at(result, NativeSize.From(i), &room));
                rooms.Add(ModelReader.RoomWithoutAllocations(room));
            }
            return new HathoraResponse<IReadOnlyList<RoomWithoutAllocations>>(rooms.AsReadOnly(), Meta(result));
        }

        public static HathoraResponse<IReadOnlyList<PingEndpoint>> PingEndpoints(HathoraResult* result)
        {
            UIntPtr size;
            Check(NativeMethods.hathora_result_ping_endpoint_count(result, &size));
            int count = NativeSize.ToInt(size);
            var list = new List<PingEndpoint>(count);
            for (int i = 0; i < count; i++)
            {
                HathoraPingEndpoint* e;
                Check(NativeMethods.hathora_result_ping_endpoint_at(result, NativeSize.From(i), &e));
                list.Add(ModelReader.PingEndpoint(e));
            }
            return new HathoraResponse<IReadOnlyList<PingEndpoint>>(list.AsReadOnly(), Meta(result));
        }

        public static HathoraResponse<IReadOnlyList<RegionPing>> RegionPings(HathoraResult* result)
        {
            UIntPtr size;
            Check(NativeMethods.hathora_result_region_ping_count(result, &size));
            int count = NativeSize.ToInt(size);
            var list = new List<RegionPing>(count);
            for (int i = 0; i < count; i++)
            {
                HathoraRegionPing* p;
                Check(NativeMethods.hathora_result_region_ping_at(result, NativeSize.From(i), &p));
                list.Add(ModelReader.RegionPing(p));
            }
            return new HathoraResponse<IReadOnlyList<RegionPing>>(list.AsReadOnly(), Meta(result));
        }

        static HathoraConnectionInfo* ConnectionOf(HathoraResult* result)
        {
            HathoraConnectionInfo* info;
            Check(NativeMethods.hathora_result_connection_info(result, &info));
            return info;
        }

        // A success without the data its operation promises: the library and this package disagree.
        static void Check(HathoraResultCode code)
        {
            if (code != HathoraResultCode.Ok)
            {
                throw new System.FormatException("the result holds no data of the expected shape: " + NativeClient.LastError());
            }
        }
    }
}
