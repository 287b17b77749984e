// Package kernel is the shared kernel of the food ordering system: the small
// set of value types every bounded context agrees on. It holds typed
// identifiers, exact Money, the statuses that cross service boundaries, the
// contract every domain event fulfils and the coded errors that adapters turn
// into protocol answers.
//
// Nothing here knows about databases, brokers or HTTP; the domain layers of
// all three services import it freely.
package kernel
