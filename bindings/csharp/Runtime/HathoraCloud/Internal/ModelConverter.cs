using System;
using System.Collections.Generic;
using R = Hathora.Rooms;
using S = HathoraCloud.Models.Shared;

namespace HathoraCloud.Internal
{
    // Copies the library's models into the official SDK's shapes, and the official request
    // bodies into the library's. Plain code, no reflection (IL2CPP strips what it cannot see).
    internal static class ModelConverter
    {
        public static R.CreateRoomParams ToLibrary(S.CreateRoomParams p)
        {
            if (p == null)
            {
                return null;
            }
            return new R.CreateRoomParams
            {
                Region = ToLibrary(p.Region),
                RoomConfig = p.RoomConfig,
                DeploymentId = p.DeploymentId,
                ClientIPs = p.ClientIPs,
            };
        }

        public static R.Region ToLibrary(S.Region region)
        {
            switch (region)
            {
                case S.Region.Seattle: return R.Region.Seattle;
                case S.Region.LosAngeles: return R.Region.LosAngeles;
                case S.Region.WashingtonDC: return R.Region.WashingtonDC;
                case S.Region.Chicago: return R.Region.Chicago;
                case S.Region.London: return R.Region.London;
                case S.Region.Frankfurt: return R.Region.Frankfurt;
                case S.Region.Mumbai: return R.Region.Mumbai;
                case S.Region.Singapore: return R.Region.Singapore;
                case S.Region.Tokyo: return R.Region.Tokyo;
                case S.Region.Sydney: return R.Region.Sydney;
                case S.Region.SaoPaulo: return R.Region.SaoPaulo;
                case S.Region.Dallas: return R.Region.Dallas;
                case S.Region.Johannesburg: return R.Region.Johannesburg;
                case S.Region.Dubai: return R.Region.Dubai;
                // A cast number that names no region: the library refuses Unknown with a message.
                default: return R.Region.Unknown;
            }
        }

        public static S.Region FromLibrary(R.Region region)
        {
            switch (region)
            {
                case R.Region.Seattle: return S.Region.Seattle;
                case R.Region.LosAngeles: return S.Region.LosAngeles;
                case R.Region.WashingtonDC: return S.Region.WashingtonDC;
                case R.Region.Chicago: return S.Region.Chicago;
                case R.Region.London: return S.Region.London;
                case R.Region.Frankfurt: return S.Region.Frankfurt;
                case R.Region.Mumbai: return S.Region.Mumbai;
                case R.Region.Singapore: return S.Region.Singapore;
                case R.Region.Tokyo: return S.Region.Tokyo;
                case R.Region.Sydney: return S.Region.Sydney;
                case R.Region.SaoPaulo: return S.Region.SaoPaulo;
                case R.Region.Dallas: return S.Region.Dallas;
                case R.Region.Johannesburg: return S.Region.Johannesburg;
                case R.Region.Dubai: return S.Region.Dubai;
                default: return S.Region.Unknown;
            }
        }

        public static List<S.PingEndpoints> PingEndpoints(IReadOnlyList<R.PingEndpoint> list)
        {
            var endpoints = new List<S.PingEndpoints>(list.Count);
            foreach (R.PingEndpoint e in list)
            {
                endpoints.Add(new S.PingEndpoints { Host = e.Host, Port = e.Port, Region = FromLibrary(e.Region), RegionRaw = e.RegionRaw });
            }
            return endpoints;
        }

        public static S.ConnectionInfoV2 ConnectionInfo(R.ConnectionInfoV2 c)
        {
            return Connection(new S.ConnectionInfoV2(), c);
        }

        public static S.RoomConnectionData RoomConnectionData(R.RoomConnectionData c)
        {
            S.RoomConnectionData data = Connection(new S.RoomConnectionData(), c);
            data.ProcessId = c.ProcessId;
            return data;
        }

        public static S.RoomAllocationData RoomAllocationData(R.RoomConnectionData c)
        {
            S.RoomAllocationData data = Connection(new S.RoomAllocationData(), c);
            data.ProcessId = c.ProcessId;
            return data;
        }

        public static S.Room Room(R.Room r)
        {
            var allocations = new List<S.RoomAllocation>(r.Allocations.Count);
            foreach (R.RoomAllocation a in r.Allocations)
            {
                allocations.Add(Allocation(new S.RoomAllocation(), a));
            }
            return new S.Room
            {
                Allocations = allocations,
                AppId = r.AppId,
                CurrentAllocation = r.CurrentAllocation == null ? null : Allocation(new S.CurrentAllocation(), r.CurrentAllocation),
                RoomConfig = r.RoomConfig,
                RoomId = r.RoomId,
                Status = Status(r.Status),
                StatusRaw = r.StatusRaw,
            };
        }

        public static List<S.RoomWithoutAllocations> Rooms(IReadOnlyList<R.RoomWithoutAllocations> rooms)
        {
            var list = new List<S.RoomWithoutAllocations>(rooms.Count);
            foreach (R.RoomWithoutAllocations r in rooms)
            {
                list.Add(new S.RoomWithoutAllocations
                {
                    AppId = r.AppId,
                    CurrentAllocation = r.CurrentAllocation == null ? null : Allocation(new S.RoomWithoutAllocationsCurrentAllocation(), r.CurrentAllocation),
                    RoomConfig = r.RoomConfig,
                    RoomId = r.RoomId,
                    Status = Status(r.Status),
                    StatusRaw = r.StatusRaw,
                });
            }
            return list;
        }

        // The official SDK's three connection classes and three allocation classes share their
        // fields; each is filled here once. The caller makes the instance (no `new T()`: IL2CPP
        // stripping keeps only the constructors it sees called).
        static T Connection<T>(T target, R.ConnectionInfoV2 c) where T : S.ConnectionInfoBase
        {
            target.AdditionalExposedPorts = Ports(c.AdditionalExposedPorts);
            target.ExposedPort = Port(c.ExposedPort);
            target.RoomId = c.RoomId;
            target.Status = ReadyStatus(c.Status);
            target.StatusRaw = c.StatusRaw;
            return target;
        }

        static T Allocation<T>(T target, R.RoomAllocation a) where T : S.AllocationBase
        {
            target.ProcessId = a.ProcessId;
            target.RoomAllocationId = a.RoomAllocationId;
            target.ScheduledAt = a.ScheduledAt.UtcDateTime;
            target.UnscheduledAt = a.UnscheduledAt.HasValue ? a.UnscheduledAt.Value.UtcDateTime : (DateTime?)null;
            return target;
        }

        // "suspended" has no member in the official enum: it decodes as Unknown, raw string kept.
        static S.RoomStatus Status(R.RoomStatus status)
        {
            switch (status)
            {
                case R.RoomStatus.Scheduling: return S.RoomStatus.Scheduling;
                case R.RoomStatus.Active: return S.RoomStatus.Active;
                case R.RoomStatus.Destroyed: return S.RoomStatus.Destroyed;
                default: return S.RoomStatus.Unknown;
            }
        }

        static S.RoomReadyStatus ReadyStatus(R.RoomReadyStatus status)
        {
            switch (status)
            {
                case R.RoomReadyStatus.Active: return S.RoomReadyStatus.Active;
                case R.RoomReadyStatus.Starting: return S.RoomReadyStatus.Starting;
                default: return S.RoomReadyStatus.Unknown;
            }
        }

        static S.TransportType Transport(R.TransportType type)
        {
            switch (type)
            {
                case R.TransportType.Tcp: return S.TransportType.Tcp;
                case R.TransportType.Udp: return S.TransportType.Udp;
                case R.TransportType.Tls: return S.TransportType.Tls;
                default: return S.TransportType.Unknown;
            }
        }

        static S.ExposedPort Port(R.ExposedPort p)
        {
            if (p == null)
            {
                return null;
            }
            return new S.ExposedPort { Host = p.Host, Name = p.Name, Port = p.Port, TransportType = Transport(p.TransportType), TransportTypeRaw = p.TransportTypeRaw };
        }

        static List<S.ExposedPort> Ports(IReadOnlyList<R.ExposedPort> ports)
        {
            var list = new List<S.ExposedPort>(ports.Count);
            foreach (R.ExposedPort p in ports)
            {
                list.Add(Port(p));
            }
            return list;
        }
    }
}
