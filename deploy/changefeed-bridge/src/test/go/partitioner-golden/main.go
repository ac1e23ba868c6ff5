// Prints the partition CockroachDB's Kafka sink picks for changefeed keys:
// sink_kafka.go newChangefeedPartitioner = sarama.NewCustomHashPartitioner(fnv.New32a).
package main

import (
	"fmt"
	"hash/fnv"

	"github.com/IBM/sarama"
)

func main() {
	keys := []string{
		`["JERKY-TERIYAKI-3OZ", "SEA1"]`,
		`["JERKY-ORIGINAL-3OZ", "PDX-STORE"]`,
		`["JERKY-PEPPERED-8OZ", "NYC-DARK"]`,
		`["order-1"]`,
		`[42]`,
		`["ключ", "тема"]`,
		`["a"]`,
		`[]`,
	}
	for _, n := range []int32{1, 3, 6, 12, 100} {
		for _, k := range keys {
			p := sarama.NewCustomHashPartitioner(fnv.New32a)("t")
			part, err := p.Partition(&sarama.ProducerMessage{Topic: "t", Key: sarama.StringEncoder(k)}, n)
			if err != nil {
				panic(err)
			}
			h := fnv.New32a()
			h.Write([]byte(k))
			fmt.Printf("%d\t%d\t%d\t%s\n", n, part, int32(h.Sum32()), k)
		}
	}
}
