module github.com/food-ordering-system/payment-service

go 1.26

require (
	github.com/food-ordering-system/common v0.0.0
	github.com/food-ordering-system/infrastructure v0.0.0
)

replace (
	github.com/food-ordering-system/common => ../common
	github.com/food-ordering-system/infrastructure => ../infrastructure
)
