module example.com/imgbench/sample

go 1.24
