// The order in which a request tries an upstream's servers.

@testable import SWHostHTTP
import SWHostConfig
import SWHostGateway
import Testing

@Suite struct UpstreamBalancerTests {
    static func server(_ port: Int, weight: Int = 1, backup: Bool = false, down: Bool = false) -> Upstream.Server {
        Upstream.Server(address: .inet(host: "127.0.0.1", port: port), weight: weight, backup: backup, down: down)
    }

    static func port(_ address: FastCGIAddress) -> Int {
        if case .inet(_, let port) = address { return port }
        return -1
    }

    @Test func roundRobinByWeightThenTheOtherPrimariesThenBackups() throws {
        let balancer = UpstreamBalancer(["u": Upstream(name: "u", servers: [
            Self.server(1, weight: 2), Self.server(2), Self.server(3, down: true), Self.server(9, backup: true),
        ])])
        var firsts: [Int] = []
        for _ in 0..<6 {
            let order = try #require(balancer.candidates("u")).map(Self.port)
            firsts.append(order[0])
            // Every live primary once, then the backup; never the server that is down.
            #expect(Set(order.prefix(2)) == [1, 2])
            #expect(order.count == 3 && order[2] == 9)
        }
        #expect(firsts == [1, 1, 2, 1, 1, 2])
    }

    @Test func onlyBackupsWhenEveryPrimaryIsDownAndNilForAnUnknownName() {
        let balancer = UpstreamBalancer(["u": Upstream(name: "u", servers: [Self.server(1, down: true), Self.server(9, backup: true)]),
                                         "none": Upstream(name: "none", servers: [Self.server(1, down: true)])])
        #expect(balancer.candidates("u")?.map(Self.port) == [9])
        #expect(balancer.candidates("none")?.isEmpty == true)
        #expect(balancer.candidates("missing") == nil)
    }
}
