using System;
using System.Collections.Generic;
using System.Globalization;
using Hathora.Rooms.Native;

namespace Hathora.Rooms.Interop
{
    // Copies the native result structs into managed models. Runs before the result is freed;
    // every native enum number maps to the managed enum of the same number, unknown ones to Unknown.
    internal static unsafe class ModelReader
    {
        public static ConnectionInfoV2 ConnectionInfo(HathoraConnectionInfo* info)
        {
            return new ConnectionInfoV2(Utf8.Decode(info->room_id), ReadyStatus(info->status), Utf8.Decode(info->status_raw),
                Port(info->exposed_port), Ports(info->additional_exposed_ports, info->additional_exposed_ports_count));
        }

        public static RoomConnectionData RoomConnectionData(HathoraConnectionInfo* info)
        {
            return new RoomConnectionData(Utf8.Decode(info->room_id), Utf8.Decode(info->process_id), ReadyStatus(info->status),
                Utf8.Decode(info->status_raw), Port(info->exposed_port),
                Ports(info->additional_exposed_ports, info->additional_exposed_ports_count));
        }

        public static RoomWithoutAllocations RoomWithoutAllocations(HathoraRoom* room)
        {
            return new RoomWithoutAllocations(Utf8.Decode(room->app_id), Utf8.Decode(room->room_id), Status(room->status),
                Utf8.Decode(room->status_raw), Utf8.Decode(room->room_config), Allocation(room->current_allocation));
        }

        public static Room Room(HathoraRoom* room)
        {
            int count = NativeSize.ToInt(room->allocations_count);
            var allocations = new List<RoomAllocation>(count);
            for (int i = 0; i < count; i++)
            {
                allocations.Add(Allocation(room->allocations + i));
            }
            return new Room(Utf8.Decode(room->app_id), Utf8.Decode(room->room_id), Status(room->status),
                Utf8.Decode(room->status_raw), Utf8.Decode(room->room_config), Allocation(room->current_allocation), allocations);
        }

        public static PingEndpoint PingEndpoint(HathoraPingEndpoint* e)
        {
            return new PingEndpoint(Utf8.Decode(e->region_raw), Utf8.Decode(e->host), e->port);
        }

        public static RegionPing RegionPing(HathoraRegionPing* p)
        {
            // Nanoseconds to ticks (100 ns): a TimeSpan holds no finer.
            TimeSpan? rtt = p->min_rtt_ns == null ? (TimeSpan?)null : TimeSpan.FromTicks((long)(*p->min_rtt_ns / 100));
            return new RegionPing(RegionOf(p->region), Utf8.Decode(p->region_raw), Utf8.Decode(p->host), p->port,
                Utf8.Decode(p->address), rtt, checked((int)p->sent), checked((int)p->answered), Utf8.Decode(p->failure));
        }

        public static HathoraServerContext ServerContext(Native.HathoraServerContext* c)
        {
            return new HathoraServerContext
            {
                ProcessId = Utf8.Decode(c->process_id),
                AppId = Utf8.Decode(c->app_id),
                Region = RegionOf(c->region),
                RegionRaw = Utf8.Decode(c->region_raw),
                RoomsPerProcess = c->rooms_per_process == 0 ? (int?)null : checked((int)c->rooms_per_process),
                InitialRoomId = Utf8.Decode(c->initial_room_id),
                InitialRoomConfig = Utf8.Decode(c->initial_room_config),
                DefaultPort = c->default_port == 0 ? (int?)null : c->default_port,
                Hostname = Utf8.Decode(c->hostname),
                DeploymentId = Utf8.Decode(c->deployment_id),
                BuildTag = Utf8.Decode(c->build_tag),
                BaseUrl = Utf8.Decode(c->base_url),
                ProcessToken = Utf8.Decode(c->process_token),
            };
        }

        static Region RegionOf(HathoraRegion region)
        {
            return region <= HathoraRegion.Dubai ? (Region)region : Region.Unknown;
        }

        static ExposedPort Port(HathoraExposedPort* port)
        {
            if (port == null)
            {
                return null;
            }
            var type = port->transport_type <= HathoraTransportType.Tls ? (TransportType)port->transport_type : TransportType.Unknown;
            return new ExposedPort(type, Utf8.Decode(port->transport_type_raw), checked((int)port->port), Utf8.Decode(port->host), Utf8.Decode(port->name));
        }

        static List<ExposedPort> Ports(HathoraExposedPort* ports, UIntPtr count)
        {
            int n = NativeSize.ToInt(count);
            var list = new List<ExposedPort>(n);
            for (int i = 0; i < n; i++)
            {
                list.Add(Port(ports + i));
            }
            return list;
        }

        static RoomAllocation Allocation(HathoraRoomAllocation* allocation)
        {
            if (allocation == null)
            {
                return null;
            }
            string unscheduled = Utf8.Decode(allocation->unscheduled_at);
            return new RoomAllocation(Utf8.Decode(allocation->room_allocation_id), Utf8.Decode(allocation->process_id),
                Time(Utf8.Decode(allocation->scheduled_at)), unscheduled == null ? (DateTimeOffset?)null : Time(unscheduled));
        }

        // ISO-8601 with offset, per the contract; anything else throws FormatException, which the
        // caller reports as a HathoraDecodeException.
        static DateTimeOffset Time(string text)
        {
            return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        }

        static RoomStatus Status(HathoraRoomStatus status)
        {
            return status <= HathoraRoomStatus.Destroyed ? (RoomStatus)status : RoomStatus.Unknown;
        }

        static RoomReadyStatus ReadyStatus(HathoraRoomReadyStatus status)
        {
            return status <= HathoraRoomReadyStatus.Active ? (RoomReadyStatus)status : RoomReadyStatus.Unknown;
        }
    }
}
