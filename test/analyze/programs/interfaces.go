// Lists the network interfaces (net.Interfaces: syscall.NetlinkRIB opens socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)),
// for test/analyze/argument-rules.test.ts.
package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	ifs, err := net.Interfaces()
	if err != nil {
		fmt.Println("interfaces:", err)
		os.Exit(3)
	}
	fmt.Println("interfaces:", len(ifs) > 0)
}
