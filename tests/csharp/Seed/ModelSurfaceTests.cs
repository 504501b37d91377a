using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Hathora.Rooms.Tests;
using HathoraCloud.Models.Shared;

namespace SeedSnippets
{
    // The models of HathoraCloud.Models.Shared keep the official SDK's public properties, names and
    // types (shared/api/csharp-sdk-surface.md), each with a public getter and setter, so that code
    // written for it compiles unchanged; the only extras are the raw wire strings. Shared base
    // classes hold the common properties, and classes that are siblings there stay siblings here.
    internal static class ModelSurfaceTests
    {
        static readonly string[] Connection = { "List<ExposedPort> AdditionalExposedPorts", "ExposedPort ExposedPort", "String RoomId", "RoomReadyStatus Status", "String StatusRaw" };
        static readonly string[] Allocation = { "String ProcessId", "String RoomAllocationId", "DateTime ScheduledAt", "DateTime? UnscheduledAt" };

        public static void Register(TestRunner r, Fixture f)
        {
            r.Add("hathoracloud_models_keep_the_official_properties", () =>
            {
                var expected = new Dictionary<Type, string[]>
                {
                    { typeof(Security), new[] { "String HathoraDevToken" } },
                    { typeof(CreateRoomParams), new[] { "Region Region", "String RoomConfig", "String DeploymentId", "List<String> ClientIPs" } },
                    { typeof(UpdateRoomConfigParams), new[] { "String RoomConfig" } },
                    { typeof(ExposedPort), new[] { "String Host", "String Name", "Int32 Port", "TransportType TransportType", "String TransportTypeRaw" } },
                    { typeof(ConnectionInfoV2), Connection },
                    { typeof(RoomConnectionData), Connection.Concat(new[] { "String ProcessId" }).ToArray() },
                    { typeof(RoomAllocationData), Connection.Concat(new[] { "String ProcessId" }).ToArray() },
                    { typeof(Room), new[] { "List<RoomAllocation> Allocations", "String AppId", "CurrentAllocation CurrentAllocation", "String RoomConfig", "String RoomId", "RoomStatus Status", "String StatusRaw" } },
                    { typeof(RoomWithoutAllocations), new[] { "String AppId", "RoomWithoutAllocationsCurrentAllocation CurrentAllocation", "String RoomConfig", "String RoomId", "RoomStatus Status", "String StatusRaw" } },
                    { typeof(RoomAllocation), Allocation },
                    { typeof(CurrentAllocation), Allocation },
                    { typeof(RoomWithoutAllocationsCurrentAllocation), Allocation },
                };
                foreach (var model in expected)
                {
                    PropertyInfo[] properties = model.Key.GetProperties(BindingFlags.Public | BindingFlags.Instance);
                    string[] actual = properties.Select(p => TypeName(p.PropertyType) + " " + p.Name).OrderBy(x => x, StringComparer.Ordinal).ToArray();
                    string[] wanted = model.Value.OrderBy(x => x, StringComparer.Ordinal).ToArray();
                    Assert.Equal(string.Join(", ", wanted), string.Join(", ", actual), model.Key.Name + ": public properties");
                    foreach (PropertyInfo p in properties)
                    {
                        Assert.True(p.GetGetMethod() != null && p.GetSetMethod() != null, model.Key.Name + "." + p.Name + ": a public getter and setter");
                    }
                    Assert.True(!model.Key.IsAbstract && model.Key.GetConstructor(Type.EmptyTypes) != null, model.Key.Name + ": a public parameterless constructor");
                }
                Siblings(typeof(ConnectionInfoV2), typeof(RoomConnectionData), typeof(RoomAllocationData));
                Siblings(typeof(RoomAllocation), typeof(CurrentAllocation), typeof(RoomWithoutAllocationsCurrentAllocation));
            });
        }

        // None derives from another, as in the official SDK: a type switch over them still compiles.
        static void Siblings(params Type[] types)
        {
            foreach (Type a in types)
            {
                foreach (Type b in types.Where(t => t != a))
                {
                    Assert.True(!a.IsAssignableFrom(b), b.Name + " must not be a " + a.Name);
                }
            }
        }

        static string TypeName(Type type)
        {
            Type nullable = Nullable.GetUnderlyingType(type);
            if (nullable != null)
            {
                return nullable.Name + "?";
            }
            if (type.IsGenericType)
            {
                return type.Name.Substring(0, type.Name.IndexOf('`')) + "<" + string.Join(",", type.GetGenericArguments().Select(TypeName)) + ">";
            }
            return type.Name;
        }
    }
}
